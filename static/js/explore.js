/* Explore page. Markers come from the API: outings from GET /api/v1/events?bbox=&zoom= whenever the map
 * moves, groups from GET /api/v1/groups/nearby (the listed page), routes' lines from
 * GET /api/v1/routes/{id}.geojson (each listed route). A result and its marker highlight each other
 * (hover, focus or tap); filters show only for the kind they apply to; "Near me" uses geolocation.
 * Words are in the page's language (gettext/ngettext from i18n.js).
 * User text only ever reaches the page through textContent. No framework, no inline script. */
(function () {
  "use strict";

  var FILTERS = ["activity", "difficulty", "from", "to", "has_spots", "min_length_km", "max_length_km"];
  var PLAIN = { radius: 8, color: "#1d4ed8", weight: 2, fillColor: "#3b82f6", fillOpacity: 0.9 };
  var ACTIVE = { radius: 12, color: "#b45309", weight: 3, fillColor: "#f59e0b", fillOpacity: 1 };
  var LINE = { color: "#dc2626", weight: 4, opacity: 0.8 };
  var LINE_ACTIVE = { color: "#b45309", weight: 7, opacity: 1 };
  var WIDE = "(min-width: 50.01rem)";
  /* The activities and interests as people read them. */
  var ACTIVITIES = {
    hiking: gettext("hiking"), walking: gettext("walking"), running: gettext("running"),
    trail_running: gettext("trail running"), cycling: gettext("cycling"), mountain_biking: gettext("mountain biking"),
    climbing: gettext("climbing"), other: gettext("other")
  };

  function activityText(value) {
    return ACTIVITIES[value] || String(value).replace(/_/g, " ");
  }

  function kmText(metres) {
    return gettext("%(num)s km", { num: (metres / 1000).toFixed(1) });
  }

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
    var words = String(data.get("words") || "").trim();  // the page's "words" is the API's q
    if (words) { params.set("q", words); }
    return params;
  }

  function textNode(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    node.textContent = text;
    return node;
  }

  /* "Sat 12 Dec 2026, 09:00 CET": the list's own text (the server's) when the outing is listed, else the same
   * pattern from Intl in the outing's zone ("2026年12月12日 周六 09:00 GMT+8" in Chinese). */
  function whenText(props, listItem) {
    var listed = listItem && listItem.querySelector("time");
    if (listed) { return listed.textContent.trim(); }
    var when = new Date(props.starts_at);
    if (isNaN(when)) { return String(props.starts_at); }
    if (document.documentElement.lang.indexOf("zh") === 0) { return chineseWhen(when, props.timezone); }
    try {
      var parts = {};
      new Intl.DateTimeFormat("en-GB", {
        timeZone: props.timezone, weekday: "short", day: "2-digit", month: "short", year: "numeric",
        hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short"
      }).formatToParts(when).forEach(function (part) { parts[part.type] = part.value; });
      return parts.weekday + " " + parts.day + " " + parts.month + " " + parts.year + ", " +
        parts.hour + ":" + parts.minute + " " + parts.timeZoneName;
    } catch (error) {
      return when.toISOString();
    }
  }

  function chineseWhen(when, zone) {
    try {
      var parts = {};
      new Intl.DateTimeFormat("zh-Hans", {
        timeZone: zone, weekday: "short", day: "numeric", month: "numeric", year: "numeric",
        hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short"
      }).formatToParts(when).forEach(function (part) { parts[part.type] = part.value; });
      return parts.year + "年" + parts.month + "月" + parts.day + "日 " + parts.weekday + " " +
        parts.hour + ":" + parts.minute + " " + parts.timeZoneName;
    } catch (error) {
      return when.toISOString();
    }
  }

  function pageLink(template, id, text) {
    var link = textNode("a", "planner-popup-title", text);
    link.href = template.replace(/0$/, String(Number(id)));
    return link;
  }

  function startFilters(form) {
    var what = form.elements.what;
    function apply() {
      var kind = what.value;
      form.querySelectorAll("[data-kinds]").forEach(function (node) {
        var applies = node.dataset.kinds.split(" ").indexOf(kind) >= 0;
        node.hidden = !applies;
        node.querySelectorAll("input, select").forEach(function (input) { input.disabled = !applies; });
        if (node.matches("input, select")) { node.disabled = !applies; }
      });
    }
    what.addEventListener("change", apply);
    apply();
  }

  /* The two-way link between the results list and the map's layers, by id. */
  function Linker(map, list) {
    this.map = map;
    this.list = list;
    this.layers = {};
    this.activeId = null;
  }

  Linker.prototype.item = function (id) {
    return this.list ? document.getElementById("result-" + id) : null;
  };

  Linker.prototype.add = function (id, layer, kind) {
    var self = this;
    layer.plannerKind = kind;
    this.layers[id] = layer;
    layer.on("mouseover", function () { self.activate(id, "map"); });
    layer.on("click", function () { self.activate(id, "map"); });
    if (String(id) === String(this.activeId)) { this.style(layer, true); }
  };

  Linker.prototype.remove = function (id) {
    delete this.layers[id];
  };

  Linker.prototype.style = function (layer, on) {
    if (layer.plannerKind === "line") { layer.setStyle(on ? LINE_ACTIVE : LINE); }
    else if (layer.setStyle) { layer.setStyle(on ? ACTIVE : PLAIN); }
    if (on && layer.bringToFront && layer._map) { layer.bringToFront(); }
  };

  Linker.prototype.activate = function (id, from) {
    var previous = this.activeId;
    if (previous !== null && previous !== id) {
      if (this.layers[previous]) { this.style(this.layers[previous], false); }
      var before = this.item(previous);
      if (before) { before.classList.remove("active"); }
    }
    this.activeId = id;
    if (this.layers[id]) { this.style(this.layers[id], true); }
    var item = this.item(id);
    if (!item) { return; }
    item.classList.add("active");
    if (from === "map" && window.matchMedia(WIDE).matches) { item.scrollIntoView({ block: "nearest" }); }
  };

  /* A tap on a result (not on its link): show its layer on the map and open its popup there (a popup of the
   * map's own, so re-clustering and marker reloads after the move leave it open). */
  Linker.prototype.reveal = function (id) {
    var layer = this.layers[id];
    if (!layer) { return; }
    this.activate(id, "list");
    if (!window.matchMedia(WIDE).matches) { this.map.getContainer().scrollIntoView({ block: "nearest" }); }
    var where;
    if (layer.getBounds) {
      this.map.fitBounds(layer.getBounds(), { padding: [24, 24] });
      where = layer.getBounds().getCenter();
    } else {
      where = layer.getLatLng();
      this.map.setView(where, Math.max(this.map.getZoom(), 15));
    }
    var content = layer.getPopup().getContent();
    L.popup({ maxWidth: 320 }).setLatLng(where)
      .setContent(typeof content === "function" ? content(layer) : content).openOn(this.map);
  };

  Linker.prototype.wireList = function () {
    var self = this;
    if (!this.list) { return; }
    this.list.querySelectorAll(".result").forEach(function (item) {
      var id = item.dataset.id;
      item.addEventListener("mouseenter", function () { self.activate(id, "list"); });
      item.addEventListener("focusin", function () { self.activate(id, "list"); });
      item.addEventListener("click", function (event) {
        if (!event.target.closest("a")) { self.reveal(id); }
      });
    });
  };

  function eventPopup(props, config, item) {
    var box = document.createElement("div");
    box.appendChild(pageLink(config.dataset.eventPageUrl, props.id, props.title));
    box.appendChild(textNode("div", "planner-popup-when", whenText(props, item)));
    var spots = ngettext("%(num)s spot left", "%(num)s spots left", props.spots_left);
    box.appendChild(textNode("div", "", activityText(props.activity) + " · " + spots));
    return box;
  }

  function dot(lat, lon) {
    return L.circleMarker([lat, lon], PLAIN);
  }

  function clusterMarker(map, feature) {
    var c = feature.geometry.coordinates, count = feature.properties.count;
    var size = Math.round(26 + Math.min(24, Math.log(count) * 4));
    var short = count >= 1000 ? gettext("%(num)sk", { num: Math.round(count / 1000) }) : String(count);
    var label = textNode("span", "", short);
    var marker = L.marker([c[1], c[0]], {
      icon: L.divIcon({ html: label, className: "planner-cluster", iconSize: [size, size] }),
      title: ngettext("%(num)s outing", "%(num)s outings", count)
    });
    marker.on("click", function () { map.setView(marker.getLatLng(), Math.min(map.getZoom() + 2, map.getMaxZoom())); });
    return marker;
  }

  function getJson(url, signal) {
    return fetch(url, { signal: signal, credentials: "omit" })
      .then(function (response) { return response.ok ? response.json() : null; });
  }

  function warn(what) {
    return function (error) { if (error.name !== "AbortError") { console.warn(what + " not loaded", error); } };
  }

  function startEvents(config, map, form, linker) {
    var plain = L.markerClusterGroup();
    var clusters = L.layerGroup();
    var pending = null;
    map.addLayer(plain);
    map.addLayer(clusters);
    linker.wireList();

    var shown = {};  /* id -> marker: markers that stay in view are kept, so an open popup survives a reload */

    function redraw(collection) {
      var keep = {};
      clusters.clearLayers();
      collection.features.forEach(function (feature) {
        if (feature.properties.cluster) { clusters.addLayer(clusterMarker(map, feature)); return; }
        var props = feature.properties, c = feature.geometry.coordinates, id = String(props.id);
        keep[id] = true;
        if (shown[id]) { return; }
        var marker = dot(c[1], c[0]);
        marker.bindTooltip(function () { return textNode("span", "", props.title); }, { direction: "top" });
        marker.bindPopup(function () { return eventPopup(props, config, linker.item(props.id)); }, { maxWidth: 320 });
        plain.addLayer(marker);
        shown[id] = marker;
        linker.add(id, marker, "dot");
      });
      Object.keys(shown).forEach(function (id) {
        if (!keep[id]) { plain.removeLayer(shown[id]); linker.remove(id); delete shown[id]; }
      });
    }

    function load() {
      if (pending) { pending.abort(); }
      pending = new AbortController();
      var params = filterParams(form);
      params.set("bbox", bboxParam(map.getBounds()));
      params.set("zoom", String(Math.round(map.getZoom())));
      getJson(config.dataset.eventsUrl + "?" + params.toString(), pending.signal)
        .then(function (collection) { if (collection) { redraw(collection); } })
        .catch(warn("events"));
    }

    map.on("moveend", load);
    load();
  }

  function startGroups(config, map, form, linker) {
    if (!config.dataset.lat) { return; }
    var params = new URLSearchParams({
      lat: config.dataset.lat, lon: config.dataset.lon, radius_km: config.dataset.radiusKm,
      limit: config.dataset.limit, offset: config.dataset.offset
    });
    if (form && form.elements.interest.value) { params.set("interest", form.elements.interest.value); }
    linker.wireList();
    getJson(config.dataset.groupsUrl + "?" + params.toString()).then(function (collection) {
      if (!collection) { return; }
      collection.features.forEach(function (feature) {
        var props = feature.properties, c = feature.geometry.coordinates;
        var marker = dot(c[1], c[0]).addTo(map);
        marker.bindTooltip(function () { return textNode("span", "", props.name); }, { direction: "top" });
        marker.bindPopup(function () {
          var box = document.createElement("div");
          box.appendChild(pageLink(config.dataset.groupPageUrl, props.id, props.name));
          box.appendChild(textNode("div", "", activityText(props.interest) + " · " +
            ngettext("%(num)s member", "%(num)s members", props.member_count) + " · " + kmText(props.distance_m)));
          return box;
        }, { maxWidth: 320 });
        linker.add(String(props.id), marker, "dot");
      });
    }).catch(warn("groups"));
  }

  function startRoutes(config, map, linker) {
    var list = document.getElementById("explore-results");
    if (!list) { return; }
    linker.wireList();
    list.querySelectorAll(".result").forEach(function (item) {
      var url = config.dataset.routeGeojsonUrl.replace(/0\.geojson$/, item.dataset.id + ".geojson");
      getJson(url).then(function (feature) {
        if (!feature || !feature.geometry) { return; }
        var line = L.geoJSON(feature, { style: function () { return LINE; } }).addTo(map);
        var name = feature.properties && feature.properties.name;
        line.bindTooltip(function () { return textNode("span", "", name); }, { sticky: true });
        line.bindPopup(function () {
          var box = document.createElement("div");
          box.appendChild(pageLink(config.dataset.routePageUrl, item.dataset.id, name));
          var meta = item.querySelector(".meta");
          if (meta) { box.appendChild(textNode("div", "", meta.textContent.replace(/\s+/g, " ").trim())); }
          return box;
        }, { maxWidth: 320 });
        linker.add(item.dataset.id, line, "line");
      }).catch(warn("route line"));
    });
  }

  function startMap(config, map) {
    var form = document.getElementById("explore-form");
    var linker = new Linker(map, document.getElementById("explore-results"));
    if (config.dataset.lat && config.dataset.lon) {
      L.circle([Number(config.dataset.lat), Number(config.dataset.lon)], {
        radius: Number(config.dataset.radiusKm) * 1000, color: "#1f7a5a", weight: 1, fill: false, interactive: false
      }).addTo(map);
    }
    if (config.dataset.kind === "groups") { startGroups(config, map, form, linker); }
    else if (config.dataset.kind === "routes") { startRoutes(config, map, linker); }
    else { startEvents(config, map, form, linker); }
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
        button.textContent = gettext("Location unavailable");
      }, { timeout: 10000, maximumAge: 300000 });
    });
  }

  function start() {
    var form = document.getElementById("explore-form");
    if (form) { startFilters(form); }
    startNearMe();
    var config = document.getElementById("explore-map-config");
    var map = config && window[config.dataset.map];
    if (map && window.L && L.markerClusterGroup) { startMap(config, map); }
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); }
  else { start(); }
}());

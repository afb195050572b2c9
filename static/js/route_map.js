/* Route and outing maps: km marks thinned by zoom, direction arrows, and the elevation profile linked to
   the map. Reads map.plannerRoute and draws in the panes planner/geo/maps.py creates; user text only via textContent;
   words in the page's language (gettext from i18n.js). */
(function () {
  "use strict";

  var KM_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000];
  var KM_GAP_PX = 64;          /* least distance between two km marks on screen */
  var KM_LABEL_PX = [-8, -12, 58, 12];  /* a km mark's dot and label box around its point: left, top, right, bottom */
  var MEETING_CLEAR_PX = 16;   /* a meeting point's radius plus a margin */
  var FLAG_CLEAR_PX = 34;      /* the start and finish badges */
  var ARROW_GAP_PX = 110;      /* between direction arrows along the line */
  var ARROW_END_PX = 40;       /* no arrow this close to the start or finish */
  var ARROW_CLEAR_PX = 20;     /* nor this close to a meeting point */

  function text(tag, className, content) {
    var node = document.createElement(tag);
    node.className = className;
    node.textContent = content;
    return node;
  }

  /* Pixel length of the route at the map's zoom (gaps between pieces not counted). */
  function lineLengthPx(map, pieces) {
    var total = 0;
    pieces.forEach(function (piece) {
      for (var i = 1; i < piece.length; i++) {
        total += map.latLngToLayerPoint(piece[i - 1]).distanceTo(map.latLngToLayerPoint(piece[i]));
      }
    });
    return total;
  }

  function kmStep(map, data) {
    var marks = data.km;
    var totalKm = marks.length ? marks[marks.length - 1][2] + 1 : 1;
    var pxPerKm = lineLengthPx(map, data.pieces) / totalKm;
    for (var i = 0; i < KM_STEPS.length; i++) {
      if (KM_STEPS[i] * pxPerKm >= KM_GAP_PX) { return KM_STEPS[i]; }
    }
    return KM_STEPS[KM_STEPS.length - 1];
  }

  function inLabelBox(mark, point, clear) {
    var dx = point.x - mark.x, dy = point.y - mark.y;
    return dx > KM_LABEL_PX[0] - clear && dx < KM_LABEL_PX[2] + clear &&
      dy > KM_LABEL_PX[1] - clear && dy < KM_LABEL_PX[3] + clear;
  }

  /* The km marks to show: every step-th km, none within KM_GAP_PX of another shown one, and none whose
     label would touch a meeting point or the start/finish badges. */
  function shownKm(map, data) {
    var step = kmStep(map, data);
    var toPoint = function (lat, lon) { return map.latLngToLayerPoint([lat, lon]); };
    var meeting = data.meeting.map(function (p) { return toPoint(p.lat, p.lon); });
    var first = data.pieces[0][0], lastPiece = data.pieces[data.pieces.length - 1];
    var flags = [toPoint(first[0], first[1]), toPoint(lastPiece[lastPiece.length - 1][0], lastPiece[lastPiece.length - 1][1])];
    var shown = [];
    data.km.forEach(function (mark) {
      if (mark[2] % step) { return; }
      var at = toPoint(mark[0], mark[1]);
      var clash = shown.some(function (other) { return other.at.distanceTo(at) < KM_GAP_PX; }) ||
        meeting.some(function (p) { return inLabelBox(at, p, MEETING_CLEAR_PX); }) ||
        flags.some(function (p) { return inLabelBox(at, p, FLAG_CLEAR_PX); });
      if (!clash) { shown.push({at: at, mark: mark}); }
    });
    return shown.map(function (item) { return item.mark; });
  }

  function drawKm(map, data, layer) {
    layer.clearLayers();
    shownKm(map, data).forEach(function (mark) {
      var box = document.createElement("span");
      box.appendChild(text("i", "planner-km-dot", ""));
      box.appendChild(text("span", "planner-km-text", gettext("%(num)s km", {num: mark[2]})));
      L.marker([mark[0], mark[1]], {
        icon: L.divIcon({className: "planner-km-mark", html: box, iconSize: null, iconAnchor: [0, 0]}),
        pane: "plannerKm", interactive: false, keyboard: false
      }).addTo(layer);
    });
  }

  /* Arrows every ARROW_GAP_PX along each piece, pointing the way the route goes, only in the view. */
  function drawArrows(map, data, layer) {
    layer.clearLayers();
    var view = map.getPixelBounds().pad(0.2);
    var zoom = map.getZoom();
    var total = lineLengthPx(map, data.pieces);
    var walked = 0, next = ARROW_END_PX + ARROW_GAP_PX / 2, count = 0;
    var meeting = data.meeting.map(function (p) { return map.project([p.lat, p.lon], zoom); });
    data.pieces.forEach(function (piece) {
      for (var i = 1; i < piece.length && count < 400; i++) {
        var a = map.project(piece[i - 1], zoom), b = map.project(piece[i], zoom);
        var length = a.distanceTo(b);
        while (next <= walked + length && next < total - ARROW_END_PX && count < 400) {
          var share = (next - walked) / length;
          var at = L.point(a.x + (b.x - a.x) * share, a.y + (b.y - a.y) * share);
          var clear = meeting.every(function (p) { return p.distanceTo(at) >= ARROW_CLEAR_PX; });
          if (clear && view.contains(at)) {
            var arrow = text("span", "planner-arrow-head", "");
            arrow.style.transform = "rotate(" + (Math.atan2(b.y - a.y, b.x - a.x) * 180 / Math.PI) + "deg)";
            L.marker(map.unproject(at, zoom), {
              icon: L.divIcon({className: "planner-arrow", html: arrow, iconSize: [14, 14], iconAnchor: [7, 7]}),
              pane: "plannerArrows", interactive: false, keyboard: false
            }).addTo(layer);
            count++;
          }
          next += ARROW_GAP_PX;
        }
        walked += length;
      }
    });
  }

  function nearestSample(samples, metres) {
    var low = 0, high = samples.length - 1;
    while (high - low > 1) {
      var mid = (low + high) >> 1;
      if (samples[mid][0] < metres) { low = mid; } else { high = mid; }
    }
    return Math.abs(samples[low][0] - metres) <= Math.abs(samples[high][0] - metres) ? samples[low] : samples[high];
  }

  function svgNode(tag, attrs) {
    var node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    Object.keys(attrs).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    return node;
  }

  /* Hover, drag, tap or arrow keys on the profile move a marker along the route on the map. */
  function linkProfile(map, data, svg, readout) {
    var samples = data.samples.filter(function (s) { return s[3] !== null; });
    if (!samples.length) { return; }
    var num = function (key) { return parseFloat(svg.getAttribute("data-" + key)); };
    var kmLow = num("km-low"), kmHigh = num("km-high"), eleLow = num("ele-low"), eleHigh = num("ele-high");
    var top = num("top"), bottom = num("bottom");
    var cursor = svgNode("line", {y1: top, y2: bottom, stroke: "#111827", "stroke-width": 1, visibility: "hidden"});
    var dot = svgNode("circle", {r: 5, fill: "#dc2626", stroke: "#ffffff", "stroke-width": 2, visibility: "hidden"});
    svg.appendChild(cursor);
    svg.appendChild(dot);
    var marker = L.circleMarker([samples[0][1], samples[0][2]], {
      pane: "plannerHover", radius: 8, color: "#ffffff", weight: 3, fillColor: "#dc2626", fillOpacity: 1,
      interactive: false
    });
    var share = null;

    function show(fraction) {
      share = Math.min(1, Math.max(0, fraction));
      var sample = nearestSample(samples, (kmLow + share * (kmHigh - kmLow)) * 1000);
      var at = (sample[0] / 1000 - kmLow) / (kmHigh - kmLow || 1);
      var x = (at * 100).toFixed(2) + "%";
      var y = top + (eleHigh - sample[3]) / (eleHigh - eleLow || 1) * (bottom - top);
      cursor.setAttribute("x1", x);
      cursor.setAttribute("x2", x);
      dot.setAttribute("cx", x);
      dot.setAttribute("cy", y.toFixed(1));
      cursor.setAttribute("visibility", "visible");
      dot.setAttribute("visibility", "visible");
      marker.setLatLng([sample[1], sample[2]]);
      if (!map.hasLayer(marker)) { marker.addTo(map); }
      if (!map.getBounds().contains(marker.getLatLng())) { map.panTo(marker.getLatLng()); }
      var words = gettext("%(num)s km", {num: (sample[0] / 1000).toFixed(1)}) + " · " +
        gettext("%(num)s m", {num: Math.round(sample[3])});
      data.meeting.forEach(function (p) {
        if (p.along_m !== null && Math.abs(p.along_m - sample[0]) <= (kmHigh - kmLow) * 1000 / 60) {
          words += " · " + gettext("meeting point %(number)s: %(name)s", {number: p.number, name: p.name});
        }
      });
      readout.textContent = words;
    }

    function fromPointer(event) {
      var box = svg.getBoundingClientRect();
      show((event.clientX - box.left) / box.width);
    }
    svg.setAttribute("tabindex", "0");
    svg.addEventListener("pointermove", fromPointer);
    svg.addEventListener("pointerdown", fromPointer);
    svg.addEventListener("keydown", function (event) {
      var delta = {ArrowLeft: -0.02, ArrowRight: 0.02, Home: -1, End: 1}[event.key];
      if (delta === undefined) { return; }
      event.preventDefault();
      show((share === null ? 0 : share) + delta);
    });
  }

  function setup(view) {
    var element = view.querySelector(".folium-map");
    var map = element && window[element.id];
    var data = map && map.plannerRoute;
    if (!data) { return; }
    var kmLayer = L.layerGroup().addTo(map), arrowLayer = L.layerGroup().addTo(map);
    drawKm(map, data, kmLayer);
    drawArrows(map, data, arrowLayer);
    map.on("zoomend", function () { drawKm(map, data, kmLayer); });
    map.on("moveend", function () { drawArrows(map, data, arrowLayer); });
    var svg = view.querySelector("svg.elevation-profile");
    var readout = view.querySelector(".profile-readout");
    if (svg && readout) { linkProfile(map, data, svg, readout); }
  }

  document.querySelectorAll(".route-view").forEach(setup);
})();

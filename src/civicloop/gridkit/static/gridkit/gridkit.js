/* Grid toolkit: the print buttons and the offline staff map (Leaflet, vendored).
   No inline scripts: the map reads its GeoJSON from a <script type="application/json">. */
(function () {
  "use strict";

  var COLOURS = {
    county: "#335", town: "#1565c0", village: "#2e7d32", grid: "#f9a825", grid_team: "#d84315",
    village_station: "#6a1b9a", squad: "#b71c1c", command_room: "#37474f"
  };
  var RADIUS = { town: 8, village: 5, grid: 5, grid_team: 7, village_station: 6, squad: 8, command_room: 6 };

  function text(value) {
    var span = document.createElement("span");
    span.textContent = value == null ? "" : String(value);
    return span.innerHTML;
  }

  // Units sharing a place are drawn as one marker whose popup lists them all.
  function popup(features, labels) {
    return features.map(function (f) {
      var p = f.properties;
      var html = "<strong>" + text(p.name) + "</strong> <small>" + text(labels[p.kind] || p.kind) + "</small>";
      if (p.phone) html += "<br>☎ " + text(p.phone);
      if (p.staff && p.staff.length) {
        html += "<br>" + p.staff.map(function (s) {
          return text(s.name) + " <small>" + text(labels[s.role] || s.role) + " " + text(s.phone) + "</small>";
        }).join("<br>");
      }
      return html;
    }).join("<hr>");
  }

  function drawMap(box) {
    if (typeof L === "undefined") return;
    var data = JSON.parse(document.getElementById(box.dataset.source).textContent);
    var labels = JSON.parse(document.getElementById(box.dataset.labels).textContent);
    var map = L.map(box, { zoomSnap: 0.25, attributionControl: !!box.dataset.tileUrl });
    if (box.dataset.tileUrl) {
      L.tileLayer(box.dataset.tileUrl, { maxZoom: 18, attribution: box.dataset.tileAttribution || "" }).addTo(map);
    }
    // Leaflet needs a view before vector layers are added: collect first, then fit, then draw.
    var outlines = [];
    var places = {};
    data.features.forEach(function (f) {
      if (!f.geometry) return;
      if (f.geometry.type !== "Point") {
        outlines.push(L.geoJSON(f, { style: { color: COLOURS.county, weight: 2, fillColor: "#dde7f0", fillOpacity: 0.5 } }));
        return;
      }
      var key = f.geometry.coordinates.join(",");
      (places[key] = places[key] || []).push(f);
    });
    var order = ["squad", "command_room", "grid_team", "village_station", "town", "grid", "village"];
    var markers = [];
    var current = [];
    Object.keys(places).forEach(function (key) {
      var group = places[key];
      group.sort(function (a, b) { return order.indexOf(a.properties.kind) - order.indexOf(b.properties.kind); });
      var main = group[0].properties;
      var here = group.some(function (f) { return f.properties.current && f.properties.kind === "grid"; });
      var c = group[0].geometry.coordinates;
      markers.push(L.circleMarker([c[1], c[0]], {
        radius: (RADIUS[main.kind] || 5) + (here ? 3 : 0), color: here ? "#000" : "#fff", weight: here ? 3 : 1,
        fillColor: COLOURS[main.kind] || "#555", fillOpacity: 0.9
      }).bindPopup(popup(group, labels), { maxWidth: 260 }));
      // Frame the grid's town: every point but the other towns.
      if (group.some(function (f) { return f.properties.kind !== "town" || f.properties.current; })) {
        current.push([c[1], c[0]]);
      }
    });
    if (current.length) {
      map.fitBounds(L.latLngBounds(current).pad(0.3), { maxZoom: 14 });
    } else if (outlines.length) {
      map.fitBounds(outlines[0].getBounds());
    } else {
      map.setView([30.5, 120.9], 11);
    }
    outlines.forEach(function (layer) { layer.addTo(map); });
    markers.forEach(function (marker) { marker.addTo(map); });
    // The town's village areas (approximate, dashed) under the points; the grid's village red.
    if (box.dataset.areasUrl && window.fetch) {
      fetch(box.dataset.areasUrl, { credentials: "same-origin" })
        .then(function (response) { if (!response.ok) throw new Error(response.status); return response.json(); })
        .then(function (areas) {
          var layer = L.geoJSON(areas, {
            style: function (f) {
              var own = f.properties.code === box.dataset.village;
              return { color: own ? "#c0392b" : "#777", weight: own ? 3 : 1, fillOpacity: own ? 0.15 : 0.03,
                fillColor: own ? "#c0392b" : "#888", dashArray: f.properties.approximate ? "4 3" : null };
            },
            onEachFeature: function (f, l) { l.bindTooltip(f.properties.short_name || f.properties.name, { sticky: true }); }
          }).addTo(map);
          layer.bringToBack();
          box.setAttribute("data-areas", String(areas.features.length));
        })
        .catch(function (error) { box.setAttribute("data-areas-error", String(error)); });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
    document.querySelectorAll("[data-gk-map]").forEach(drawMap);
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
  });
})();

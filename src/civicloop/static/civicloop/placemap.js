/* Civicloop place map: one component for every map of a place, on vendored Leaflet.

   Rendered by includes/place_map.html from org.maps.place_map(mode=…): the element carries
   data-placemap="CONFIG_ID", the config is the JSON in that script element (no inline
   scripts: the Content-Security-Policy allows none). Base layers: the region areas as
   offline vectors (always), plus the tile layer of CIVICLOOP_BASEMAP_URL when configured.
   The server hands every coordinate over in the base map's datum; this file converts none.

   Modes:
     show    one point and the area it lies in (the event page);
     pick    tap to place (intake): fills the form's latitude/longitude/datum inputs, asks
             /org/locate.json for the town, village and grid, selects the place in the
             searchable list (which stays the fallback) and shows what was found;
     points  many points (events) with a heat layer (vendor/leaflet-heat) and a marker each. */
(function () {
  "use strict";
  if (window.CivicloopPlaceMap) return;

  var HAIYAN = [30.5, 120.9];

  function byId(id) { return id ? document.getElementById(id) : null; }

  function control(map, position, className, text) {
    var box = L.control({ position: position });
    box.onAdd = function () {
      var div = L.DomUtil.create("div", className);
      div.textContent = text;
      return div;
    };
    box.addTo(map);
    return box;
  }

  function mount(element, config) {
    var labels = config.labels || {};
    var basemap = config.basemap || { url: "" };
    var highlight = config.highlight || "";
    var map = L.map(element, { zoomSnap: 0.5, attributionControl: !!basemap.url });
    if (basemap.url) {
      var tileOptions = { maxZoom: 18, attribution: basemap.attribution || "" };
      if (basemap.subdomains && basemap.subdomains.length) tileOptions.subdomains = basemap.subdomains;
      L.tileLayer(basemap.url, tileOptions).addTo(map);
    } else {
      element.classList.add("placemap-offline");
    }
    map.setView(HAIYAN, 10);

    var areaLayer = null, marker = null, caption = null;

    function style(feature) {
      var on = feature.properties.code === highlight;
      return {
        color: on ? "#c0392b" : "#888", weight: on ? 3 : 1,
        fillColor: on ? "#f5b7b1" : "#eef1f4", fillOpacity: basemap.url ? (on ? 0.25 : 0.05) : (on ? 0.45 : 0.8),
        dashArray: feature.properties.approximate ? "4 3" : null
      };
    }

    function highlighted() {
      var found = null;
      if (areaLayer) areaLayer.eachLayer(function (layer) {
        if (layer.feature.properties.code === highlight) found = layer;
      });
      return found;
    }

    function setHighlight(code) {
      highlight = code || "";
      if (areaLayer) areaLayer.setStyle(style);
      var layer = highlighted();
      if (layer) layer.bringToFront();
    }

    function setMarker(lngLat) {
      var latLng = L.latLng(lngLat[1], lngLat[0]);
      if (marker) marker.setLatLng(latLng);
      else marker = L.circleMarker(latLng, { radius: 9, color: "#fff", weight: 3, fillColor: "#c0392b", fillOpacity: 1 }).addTo(map);
      return latLng;
    }

    function fit() {
      var layer = highlighted();
      if (config.mode === "show" && config.point) {
        map.setView(L.latLng(config.point[1], config.point[0]), 15);
      } else if (config.mode === "points" && config.points.length) {
        map.fitBounds(L.latLngBounds(config.points.map(function (p) { return [p.lat, p.lng]; })).pad(0.1), { maxZoom: 14 });
      } else if (layer) {
        map.fitBounds(layer.getBounds(), { padding: [12, 12] });
      } else if (areaLayer && areaLayer.getLayers().length) {
        map.fitBounds(areaLayer.getBounds());
      }
    }

    var ready = config.areasUrl ? fetch(config.areasUrl, { credentials: "same-origin" })
      .then(function (response) { if (!response.ok) throw new Error(response.status); return response.json(); })
      .then(function (data) {
        areaLayer = L.geoJSON(data, {
          style: style,
          interactive: config.mode !== "pick",
          onEachFeature: function (feature, layer) {
            if (config.mode !== "pick") layer.bindTooltip(feature.properties.short_name || feature.properties.name, { sticky: true });
          }
        }).addTo(map);
        areaLayer.bringToBack();
        setHighlight(highlight);
        if (data.features.some(function (f) { return f.properties.approximate; })) {
          caption = control(map, "bottomleft", "placemap-caption", labels.approximate);
          caption.getContainer().setAttribute("data-approximate", "true");
        }
        fit();
        return data;
      })
      .catch(function (error) { element.setAttribute("data-error", String(error)); fit(); })
      : Promise.resolve(null).then(fit);

    if (config.mode === "show") {
      if (config.point) setMarker(config.point);
      else control(map, "topright", "placemap-caption", labels.noPoint);
    }

    if (config.mode === "points") {
      var heat = config.points.map(function (p) { return [p.lat, p.lng, p.weight || 1]; });
      if (L.heatLayer && heat.length) L.heatLayer(heat, { radius: 22, blur: 18, maxZoom: 15 }).addTo(map);
      var dots = L.layerGroup(config.points.map(function (p) {
        var dot = L.circleMarker([p.lat, p.lng], { radius: 4, color: "#08519c", weight: 1, fillOpacity: 0.8 });
        if (p.title) {
          var link = document.createElement(p.url ? "a" : "span");
          link.textContent = p.title;
          if (p.url) link.href = p.url;
          dot.bindPopup(link);
        }
        return dot;
      })).addTo(map);
      element.setAttribute("data-points", String(dots.getLayers().length));
    }

    if (config.mode === "pick") {
      var fields = config.fields || {};
      var status = byId(fields.status);
      var say = function (text) { if (status) status.textContent = text; };
      var locate = function (lng, lat, datum) {
        say(labels.locating);
        element.setAttribute("data-locating", "true");
        var url = config.locateUrl + "?lng=" + encodeURIComponent(lng) + "&lat=" + encodeURIComponent(lat) +
          "&datum=" + encodeURIComponent(datum);
        return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (response) { if (!response.ok) throw new Error(response.status); return response.json(); })
          .then(function (data) {
            element.removeAttribute("data-locating");
            if (!data.found) { say(data.detail || labels.outside); return; }
            if (data.point) setMarker(data.point);
            var select = byId(fields.region);
            if (select) {
              select.value = String(data.region.id);
              select.dispatchEvent(new Event("change", { bubbles: true }));
            }
            say(data.label + (data.approximate ? " (" + labels.approximatePlace + ")" : ""));
            element.setAttribute("data-located", data.region.code);
            setHighlight(data.village ? data.village.code : (data.town ? data.town.code : ""));
          })
          .catch(function () { element.removeAttribute("data-locating"); say(labels.failed); });
      };
      var fill = function (lng, lat, datum) {
        var latInput = byId(fields.latitude), lngInput = byId(fields.longitude), datumInput = byId(fields.datum);
        if (latInput) latInput.value = lat.toFixed(6);
        if (lngInput) lngInput.value = lng.toFixed(6);
        if (datumInput) datumInput.value = datum;
      };
      say(labels.tapToPlace);
      map.on("click", function (e) {
        setMarker([e.latlng.lng, e.latlng.lat]);
        fill(e.latlng.lng, e.latlng.lat, config.datum);
        locate(e.latlng.lng, e.latlng.lat, config.datum);
      });
      // "Use my location" (civicloop.js) fills the inputs with the phone's WGS-84 point.
      document.addEventListener("civicloop:located", function (e) {
        locate(e.detail.longitude, e.detail.latitude, "wgs84").then(function () {
          if (marker) map.setView(marker.getLatLng(), Math.max(map.getZoom(), 15));
        });
      });
    }

    var handle = { map: map, ready: ready, setHighlight: setHighlight };
    element.civicloopPlaceMap = handle;
    return handle;
  }

  window.CivicloopPlaceMap = { mount: mount };

  function autoMount() {
    document.querySelectorAll("[data-placemap]").forEach(function (element) {
      if (element.civicloopPlaceMap) return;
      var source = document.getElementById(element.dataset.placemap);
      if (source) mount(element, JSON.parse(source.textContent));
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", autoMount);
  else autoMount();
})();

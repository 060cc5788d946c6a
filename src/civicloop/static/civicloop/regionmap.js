/* Civicloop region map: areas of towns or villages coloured by a figure, on vendored Leaflet.

   CivicloopRegionMap.mount(element, {
     areasUrl,            // GET /org/areas.geojson?within=CODE&level=town|village
     basemap,             // {url, datum, attribution, subdomains} from org/maps.basemap_config()
     values,              // {code: number}; areas without a value are grey ("no data")
     valueLabel,          // what the numbers are, shown in the tooltip and legend
     labels,              // translated texts (org/maps.region_map()["config"]["labels"])
     onClick(code, properties)  // a click on an area (default: the civicloop:regionclick event,
                                // then config.clickUrl with {code} replaced, if given)
   }) -> {map, load(areasUrl, values), setValues(values), destroy()}

   The areas come from the server already in the base map's datum (GCJ-02 as stored, or
   converted to WGS-84 for 天地图): this file never converts coordinates.
   Elements with data-regionmap="ID" (see includes/region_map.html) mount themselves from
   the JSON in the script element ID, unless they carry data-regionmap-manual: then the page
   mounts them itself, e.g. to pass onClick:
     var el = document.getElementById("region-map");
     var config = JSON.parse(document.getElementById(el.dataset.regionmap).textContent);
     CivicloopRegionMap.mount(el, Object.assign(config, {onClick: function (code) { ... }})); */
(function () {
  "use strict";
  if (window.CivicloopRegionMap) return;

  var PALETTE = ["#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c"];
  var NO_DATA = "#d9d9d9";
  var DEFAULT_LABELS = {
    noData: "no data",
    approximate: "Boundaries are derived approximate areas (推算的近似范围), not official boundaries.",
    datum: "Coordinates: %(datum)s.",
    datumNames: { gcj02: "GCJ-02", wgs84: "WGS-84 / CGCS2000" },
    loadFailed: "The map areas could not be loaded."
  };

  function format(number) {
    if (number === null || number === undefined || isNaN(number)) return "";
    var rounded = Math.round(number * 100) / 100;
    return rounded.toLocaleString();
  }

  // Equal steps between the smallest and largest value: the leader compares towns, and
  // equal steps keep "twice as dark" close to "about twice as many".
  function scale(values) {
    var numbers = Object.keys(values).map(function (k) { return values[k]; })
      .filter(function (v) { return typeof v === "number" && !isNaN(v); });
    if (!numbers.length) return null;
    var min = Math.min.apply(null, numbers), max = Math.max.apply(null, numbers);
    var classes = max === min ? 1 : PALETTE.length;
    var step = (max - min) / classes;
    var breaks = [];
    for (var i = 0; i < classes; i++) {
      breaks.push({ from: min + i * step, to: i === classes - 1 ? max : min + (i + 1) * step,
        colour: classes === 1 ? PALETTE[2] : PALETTE[i] });
    }
    return {
      breaks: breaks,
      colour: function (v) {
        if (typeof v !== "number" || isNaN(v)) return NO_DATA;
        for (var j = 0; j < breaks.length; j++) { if (v <= breaks[j].to) return breaks[j].colour; }
        return breaks[breaks.length - 1].colour;
      }
    };
  }

  function escape(text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  function mount(element, options) {
    options = options || {};
    var labels = Object.assign({}, DEFAULT_LABELS, options.labels || {});
    var basemap = options.basemap || { url: "", datum: "gcj02" };
    var values = options.values || {};
    var collection = null;
    var areaLayer = null, labelLayer = null, legend = null, caption = null;
    var labelZoom = 0;

    element.classList.add("civicloop-regionmap");
    if (!basemap.url) element.style.background = "#fff";
    var map = L.map(element, { zoomSnap: 0.25, attributionControl: !!basemap.url });
    if (basemap.url) {
      var tileOptions = { maxZoom: 18, attribution: basemap.attribution || "" };
      if (basemap.subdomains && basemap.subdomains.length) tileOptions.subdomains = basemap.subdomains;
      L.tileLayer(basemap.url, tileOptions).addTo(map);
    }

    function clicked(code, properties) {
      if (options.onClick) { options.onClick(code, properties); return; }
      var event = new CustomEvent("civicloop:regionclick",
        { bubbles: true, cancelable: true, detail: { code: code, properties: properties } });
      if (element.dispatchEvent(event) && options.clickUrl) {
        window.location.href = options.clickUrl.replace("{code}", encodeURIComponent(code));
      }
    }

    function tooltip(properties) {
      var value = values[properties.code];
      var shown = typeof value === "number" ? format(value) : labels.noData;
      return "<strong>" + escape(properties.name) + "</strong><br>" +
        (options.valueLabel ? escape(options.valueLabel) + ": " : "") + escape(shown);
    }

    function drawLegend(colours) {
      if (legend) { map.removeControl(legend); legend = null; }
      legend = L.control({ position: "bottomright" });
      legend.onAdd = function () {
        var div = L.DomUtil.create("div", "civicloop-regionmap-legend");
        if (options.valueLabel) {
          var title = L.DomUtil.create("strong", "", L.DomUtil.create("div", "", div));
          title.textContent = options.valueLabel;
        }
        // Built element by element: a style="" attribute in HTML would be refused by the
        // Content-Security-Policy, setting element.style is not.
        function row(colour, text) {
          var line = L.DomUtil.create("div", "", div);
          L.DomUtil.create("i", "", line).style.background = colour;
          line.appendChild(document.createTextNode(text));
        }
        (colours ? colours.breaks : []).forEach(function (b) {
          row(b.colour, b.from === b.to ? format(b.from) : format(b.from) + " – " + format(b.to));
        });
        row(NO_DATA, labels.noData);
        return div;
      };
      legend.addTo(map);
    }

    function drawCaption() {
      if (caption) { map.removeControl(caption); caption = null; }
      var approximate = collection.features.some(function (f) { return f.properties.approximate; });
      var datumName = (labels.datumNames || {})[collection.datum || basemap.datum] || collection.datum;
      caption = L.control({ position: "bottomleft" });
      caption.onAdd = function () {
        var div = L.DomUtil.create("div", "civicloop-regionmap-caption");
        div.setAttribute("data-approximate", approximate ? "true" : "false");
        div.setAttribute("data-datum", collection.datum || basemap.datum);
        div.textContent = (approximate ? labels.approximate + " " : "") +
          labels.datum.replace("%(datum)s", datumName);
        return div;
      };
      caption.addTo(map);
    }

    function updateLabels() {
      if (!labelLayer) return;
      if (map.getZoom() >= labelZoom) { if (!map.hasLayer(labelLayer)) labelLayer.addTo(map); }
      else if (map.hasLayer(labelLayer)) map.removeLayer(labelLayer);
    }

    function draw() {
      if (!collection) return;
      if (areaLayer) map.removeLayer(areaLayer);
      if (labelLayer) map.removeLayer(labelLayer);
      var colours = scale(values);
      areaLayer = L.geoJSON(collection, {
        style: function (feature) {
          var fill = colours ? colours.colour(values[feature.properties.code]) : NO_DATA;
          return { color: "#555", weight: 1, fillColor: fill, fillOpacity: 0.75,
            dashArray: feature.properties.approximate ? "4 3" : null };
        },
        onEachFeature: function (feature, layer) {
          layer.bindTooltip(function () { return tooltip(feature.properties); }, { sticky: true });
          layer.on("click", function () { clicked(feature.properties.code, feature.properties); });
          layer.on("mouseover", function () { layer.setStyle({ weight: 3 }); });
          layer.on("mouseout", function () { layer.setStyle({ weight: 1 }); });
        }
      }).addTo(map);
      labelLayer = L.layerGroup(collection.features.filter(function (f) {
        return f.properties.label_point;
      }).map(function (f) {
        var p = f.properties.label_point;
        return L.marker([p[1], p[0]], {
          interactive: false, keyboard: false,
          icon: L.divIcon({ className: "civicloop-regionmap-label", html: "<span>" + escape(f.properties.short_name || f.properties.name) + "</span>",
            iconSize: null })
        });
      }));
      drawLegend(colours);
      drawCaption();
    }

    function load(areasUrl, newValues) {
      if (newValues) values = newValues;
      return fetch(areasUrl, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.json();
        })
        .then(function (data) {
          collection = data;
          draw();
          if (data.features.length) {
            map.fitBounds(areaLayer.getBounds(), { padding: [8, 8] });
            // Many small villages: names appear one zoom step in, so they do not overlap.
            labelZoom = map.getZoom() + (data.features.length > 30 ? 1 : 0);
          } else {
            map.setView([30.5, 120.9], 10);
          }
          updateLabels();
          return data;
        })
        .catch(function (error) {
          element.setAttribute("data-error", String(error));
          var note = L.control({ position: "topright" });
          note.onAdd = function () {
            var div = L.DomUtil.create("div", "civicloop-regionmap-caption");
            div.textContent = labels.loadFailed;
            return div;
          };
          note.addTo(map);
        });
    }

    map.on("zoomend", updateLabels);
    var handle = {
      map: map,
      load: load,
      setValues: function (newValues) { values = newValues || {}; draw(); updateLabels(); },
      destroy: function () { map.remove(); }
    };
    handle.ready = options.areasUrl ? load(options.areasUrl) : Promise.resolve(null);
    element.civicloopRegionMap = handle;
    return handle;
  }

  window.CivicloopRegionMap = { mount: mount };

  function autoMount() {
    document.querySelectorAll("[data-regionmap]").forEach(function (element) {
      if (element.civicloopRegionMap || element.hasAttribute("data-regionmap-manual")) return;
      var source = document.getElementById(element.dataset.regionmap);
      if (!source) return;
      mount(element, JSON.parse(source.textContent));
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", autoMount);
  else autoMount();
})();

/* Maps, as progressive enhancement. Leaflet (static/vendor/leaflet) and the tiles are loaded only when a map is
   shown: at once for [data-map] elements, on a click for the complaint form's picker, on opening for a map
   inside a closed <details>. Every page works without this script: the lists, the latitude/longitude fields. */
(function () {
  "use strict";

  var root = document.querySelector("[data-map-assets]");
  if (!root) { return; }
  var assets = root.dataset;
  var loading = null;

  function loadLeaflet() {
    if (window.L) { return Promise.resolve(window.L); }
    if (loading) { return loading; }
    loading = new Promise(function (resolve, reject) {
      var css = document.createElement("link");
      css.rel = "stylesheet";
      css.href = assets.leafletCss;
      document.head.appendChild(css);
      var js = document.createElement("script");
      js.src = assets.leafletJs;
      js.onload = function () { resolve(window.L); };
      js.onerror = reject;
      document.head.appendChild(js);
    });
    return loading;
  }

  function baseMap(L, el) {
    var map = L.map(el, { scrollWheelZoom: false });
    L.tileLayer(assets.tileUrl, { maxZoom: 19, attribution: assets.attribution }).addTo(map);
    return map;
  }

  function jsonOf(id) {
    var node = id && document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function countryBounds() {
    var b = JSON.parse(assets.country); // [south, west, north, east]
    return [[b[0], b[1]], [b[2], b[3]]];
  }

  // --- a unit's outline (console) ---------------------------------------------------------------------------
  function showArea(el) {
    loadLeaflet().then(function (L) {
      var map = baseMap(L, el);
      var layer = L.geoJSON(jsonOf(el.dataset.geometry), { style: { color: "#0b5394", weight: 2 } }).addTo(map);
      map.fitBounds(layer.getBounds());
    });
  }

  // --- public reports in the visible area ---------------------------------------------------------------------
  function showReports(el) {
    loadLeaflet().then(function (L) {
      var map = baseMap(L, el);
      var layer = L.layerGroup().addTo(map);
      var status = document.querySelector("[data-map-status]");
      var pending = null;
      map.fitBounds(countryBounds());
      var start = jsonOf(el.dataset.start);
      if (start) { map.fitBounds([[start[0], start[1]], [start[2], start[3]]]); }

      function refresh() {
        var b = map.getBounds();
        var query = new URLSearchParams(el.dataset.filters || "");
        query.set("bbox", [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(4); }).join(","));
        query.set("zoom", String(map.getZoom()));
        if (pending) { pending.abort(); }
        pending = new AbortController();
        fetch(el.dataset.source + "?" + query.toString(), { signal: pending.signal, headers: { Accept: "application/geo+json" } })
          .then(function (r) { return r.json(); })
          .then(function (data) {
            layer.clearLayers();
            data.features.forEach(function (f) {
              var ll = [f.geometry.coordinates[1], f.geometry.coordinates[0]];
              var p = f.properties;
              if (p.cluster) {
                var size = p.count < 10 ? 30 : p.count < 100 ? 36 : 44;
                L.marker(ll, {
                  icon: L.divIcon({ className: "map-cluster", html: "<span>" + p.count + "</span>", iconSize: [size, size] }),
                  title: p.label,
                  keyboard: true
                }).on("click", function () { map.setView(ll, Math.min(map.getZoom() + 3, 18)); }).addTo(layer);
              } else {
                var marker = L.circleMarker(ll, { radius: 8, className: "map-report status-" + p.status, weight: 2 });
                var box = document.createElement("div");
                var title = document.createElement("strong");
                title.textContent = p.title;
                var meta = document.createElement("p");
                meta.textContent = [p.status_label, p.category, p.unit, p.date].filter(Boolean).join(" · ");
                box.appendChild(title);
                box.appendChild(meta);
                marker.bindPopup(box).addTo(layer);
              }
            });
            if (status) { status.textContent = data.truncated ? status.dataset.truncated : ""; }
          })
          .catch(function () { /* aborted or offline: the list beside the map still shows the reports */ });
      }
      map.on("moveend", refresh);
      refresh();
    });
  }

  // --- given points (the staff queue): each links to its report ---------------------------------------------
  function showPoints(el) {
    loadLeaflet().then(function (L) {
      var map = baseMap(L, el);
      var data = jsonOf(el.dataset.points);
      var layer = L.featureGroup().addTo(map);
      data.features.forEach(function (f) {
        var p = f.properties;
        var link = document.createElement("a");
        link.href = p.url;
        link.textContent = p.title;
        var meta = document.createElement("p");
        meta.textContent = [p.status_label, p.category, p.unit, p.date].filter(Boolean).join(" · ");
        var box = document.createElement("div");
        box.appendChild(link);
        box.appendChild(meta);
        L.circleMarker([f.geometry.coordinates[1], f.geometry.coordinates[0]],
          { radius: 8, className: "map-report status-" + p.status, weight: 2 }).bindPopup(box).addTo(layer);
      });
      if (data.features.length) { map.fitBounds(layer.getBounds(), { maxZoom: 16 }); } else { map.fitBounds(countryBounds()); }
    });
  }

  // --- the complaint form's picker ----------------------------------------------------------------------------
  function picker(box) {
    var lat = document.querySelector("input[name=latitude]");
    var lng = document.querySelector("input[name=longitude]");
    var unit = document.querySelector("select[name=unit]");
    var areas = jsonOf(box.dataset.areas) || {};
    var open = box.querySelector("[data-picker-open]");
    var locate = box.querySelector("[data-picker-locate]");
    var note = box.querySelector("[data-picker-note]");
    var mapEl = box.querySelector("[data-picker-map]");
    var map = null;
    var marker = null;

    function place(ll, L) {
      lat.value = ll.lat.toFixed(6);
      lng.value = ll.lng.toFixed(6);
      if (!marker) {
        marker = L.marker(ll, { draggable: true, keyboard: true, title: box.dataset.markerTitle,
          icon: L.divIcon({ className: "map-pin", iconSize: [22, 22] }) }).addTo(map);
        marker.on("dragend", function () { place(marker.getLatLng(), L); });
      } else {
        marker.setLatLng(ll);
      }
      note.textContent = box.dataset.chosen.replace("%s", lat.value + ", " + lng.value);
      nameOf(lat.value, lng.value);
    }

    // with a geocoder configured, the spot's place name fills the location field (unless the reporter typed one)
    var location = document.querySelector("input[name=location]");
    var named = "";
    function nameOf(la, lo) {
      if (!box.dataset.placeUrl || !location || (location.value && location.value !== named)) { return; }
      fetch(box.dataset.placeUrl + "?lat=" + encodeURIComponent(la) + "&lon=" + encodeURIComponent(lo))
        .then(function (r) { return r.ok ? r.json() : { name: "" }; })
        .then(function (data) {
          if (data.name && (!location.value || location.value === named)) { location.value = named = data.name.slice(0, 200); }
        })
        .catch(function () { /* no name: the reporter types the location */ });
    }

    function centre() {
      var b = unit && areas[unit.value];
      if (lat.value && lng.value) { map.setView([parseFloat(lat.value), parseFloat(lng.value)], 16); }
      else if (b) { map.fitBounds([[b[0], b[1]], [b[2], b[3]]]); }
      else { map.fitBounds(countryBounds()); }
    }

    function show() {
      return loadLeaflet().then(function (L) {
        if (map) { return L; }
        mapEl.hidden = false;
        locate.hidden = false;
        open.hidden = true;
        map = baseMap(L, mapEl);
        centre();
        if (lat.value && lng.value) { place(L.latLng(parseFloat(lat.value), parseFloat(lng.value)), L); }
        map.on("click", function (e) { place(e.latlng, L); });
        if (unit) { unit.addEventListener("change", function () { if (!marker) { centre(); } }); }
        return L;
      });
    }

    open.hidden = false;
    open.addEventListener("click", function () { show(); });
    locate.addEventListener("click", function () {
      if (!navigator.geolocation) { note.textContent = box.dataset.noLocation; return; }
      note.textContent = box.dataset.locating;
      navigator.geolocation.getCurrentPosition(function (pos) {
        show().then(function (L) {
          var ll = L.latLng(pos.coords.latitude, pos.coords.longitude);
          map.setView(ll, 17);
          place(ll, L);
        });
      }, function () { note.textContent = box.dataset.noLocation; }, { timeout: 10000 });
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-map=area]"), showArea);
  Array.prototype.forEach.call(document.querySelectorAll("[data-map=points]"), showPoints);
  Array.prototype.forEach.call(document.querySelectorAll("[data-map=reports]"), function (el) {
    var details = el.closest("details");
    if (details && !details.open) {
      details.addEventListener("toggle", function once() {
        if (details.open) { details.removeEventListener("toggle", once); showReports(el); }
      });
    } else {
      showReports(el);
    }
  });
  Array.prototype.forEach.call(document.querySelectorAll("[data-map-picker]"), picker);
}());

/* The network's map (Leaflet + markercluster), drawn from the page's data-* attributes:
   data-places   GeoJSON of the places (the page's filters already applied)
   data-borders  Natural Earth's countries as TopoJSON, served by the app: the offline base
   data-tiles    a tile URL template, only where the site has a provider (KB_MAP_TILES_URL)
   Markers are coloured and shaped by type (legend beside the map), clustered, reachable by
   keyboard, and open a popup with the name in the reader's language and a link.
   Everything is built with DOM calls and classes: no inline style or markup from data. */
(function () {
  "use strict";
  if (!window.L || !window.fetch) return;

  var SILK_ROADS = [[15, 20], [55, 135]];

  function icon(type) {
    return L.divIcon({ className: "marker marker-" + type, iconSize: [22, 22], iconAnchor: [11, 11], popupAnchor: [0, -10] });
  }

  function clusterIcon(cluster) {
    var count = cluster.getChildCount();
    var size = count < 10 ? "small" : count < 50 ? "medium" : "large";
    var inner = document.createElement("span");
    inner.textContent = String(count);
    return L.divIcon({ html: inner, className: "marker-cluster marker-cluster-" + size, iconSize: [36, 36] });
  }

  function popup(props) {
    var box = document.createElement("div");
    box.className = "map-popup";
    if (props.image) {
      var img = document.createElement("img");
      img.src = props.image.src;
      img.alt = props.image.alt || "";
      img.width = props.image.width;
      img.height = props.image.height;
      img.loading = "lazy";
      box.appendChild(img);
    }
    var kind = document.createElement("p");
    kind.className = "kicker";
    kind.textContent = props.kind;
    var link = document.createElement("a");
    link.href = props.url;
    link.textContent = props.name;
    if (props.lang) link.lang = props.lang;
    var title = document.createElement("p");
    title.className = "map-popup-title";
    title.appendChild(link);
    box.appendChild(kind);
    box.appendChild(title);
    if (props.role) {
      var role = document.createElement("p");
      role.className = "map-popup-role";
      role.textContent = props.role;
      box.appendChild(role);
    }
    return box;
  }

  function borders(map, url) {
    return fetch(url).then(function (r) { return r.json(); }).then(function (topo) {
      var land = topojson.feature(topo, topo.objects.countries);
      L.geoJSON(land, { interactive: false, className: "country", style: { weight: 0.6 } }).addTo(map);
    });
  }

  function draw(box) {
    var el = box.querySelector(".map");
    box.hidden = false;
    // Leaflet's own controls speak English: their names come from the page, in its language.
    var map = L.map(el, { worldCopyJump: true, minZoom: 2, maxZoom: 12, zoomSnap: 0.5, zoomControl: false });
    L.control.zoom({ zoomInTitle: box.dataset.zoomIn, zoomOutTitle: box.dataset.zoomOut }).addTo(map);
    map.on("popupopen", function (e) {
      var close = e.popup.getElement().querySelector(".leaflet-popup-close-button");
      if (close) close.setAttribute("aria-label", box.dataset.close);
    });
    map.fitBounds(SILK_ROADS);
    map.attributionControl.setPrefix(false);
    if (box.dataset.tiles) {
      L.tileLayer(box.dataset.tiles, { attribution: box.dataset.attribution, maxZoom: 18 }).addTo(map);
    } else {
      map.attributionControl.addAttribution(box.dataset.bordersAttribution);
      borders(map, box.dataset.borders).catch(function () {});
    }
    var clusters = L.markerClusterGroup({ iconCreateFunction: clusterIcon, showCoverageOnHover: false, maxClusterRadius: 40 });
    fetch(box.dataset.places).then(function (r) { return r.json(); }).then(function (data) {
      var bounds = [];
      data.features.forEach(function (f) {
        var ll = [f.geometry.coordinates[1], f.geometry.coordinates[0]];
        var marker = L.marker(ll, { icon: icon(f.properties.type), title: f.properties.kind + ": " + f.properties.name, keyboard: true });
        marker.feature = f;
        marker.bindPopup(popup(f.properties));
        marker.on("add", function () {
          var node = marker.getElement();
          if (node) {
            node.setAttribute("aria-label", f.properties.kind + ": " + f.properties.name);
            node.setAttribute("data-place", f.id);
          }
        });
        clusters.addLayer(marker);
        bounds.push(ll);
      });
      // Frame the places first, without animation, so the clusters are drawn once.
      if (bounds.length === 1) map.setView(bounds[0], 6, { animate: false });
      else if (bounds.length) map.fitBounds(bounds, { padding: [30, 30], maxZoom: 7, animate: false });
      map.addLayer(clusters);
      box.setAttribute("data-markers", String(data.features.length));
      box.classList.add("map-ready");
    });
  }

  var boxes = document.querySelectorAll("[data-map]");
  for (var i = 0; i < boxes.length; i++) draw(boxes[i]);
})();

/* Home page: "near you" from the browser's location. When the visitor has already allowed geolocation
 * (and the page is not yet showing it), the page reloads with ?lat=&lon= rounded to about 100 m;
 * otherwise the "Use my location" button asks. No inline script, no user text handled here; the button's words
 * are in the page's language (gettext from i18n.js). */
(function () {
  "use strict";

  function goTo(position) {
    var url = new URL(window.location.href);
    url.search = "";
    url.searchParams.set("lat", position.coords.latitude.toFixed(3));
    url.searchParams.set("lon", position.coords.longitude.toFixed(3));
    window.location.assign(url.toString());
  }

  function locate(button) {
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(goTo, function () {
      button.disabled = false;
      button.textContent = gettext("Location unavailable");
    }, { timeout: 10000, maximumAge: 300000 });
  }

  function start() {
    var config = document.getElementById("home-config");
    var button = document.getElementById("use-location");
    if (!config || !button || !navigator.geolocation) { return; }
    button.hidden = false;
    if (config.dataset.source === "browser") { button.textContent = gettext("Update my location"); }
    button.addEventListener("click", function () { locate(button); });
    if (config.dataset.source !== "browser" && navigator.permissions) {
      navigator.permissions.query({ name: "geolocation" }).then(function (status) {
        if (status.state === "granted") { locate(button); }
      }).catch(function () { /* no permission query: the button stays */ });
    }
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); }
  else { start(); }
}());

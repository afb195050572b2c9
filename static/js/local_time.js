// Post times: rewrite each absolute time into the browser's time zone and remember that zone in the `tz`
// cookie, so the server renders the next page in it too. Text reaches the DOM only through textContent.
(function () {
  "use strict";
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!zone) {
    return;
  }
  if (document.cookie.split("; ").indexOf("tz=" + zone) === -1) {
    document.cookie = "tz=" + zone + "; path=/; max-age=31536000; SameSite=Lax";
  }
  var format = new Intl.DateTimeFormat(undefined, {
    weekday: "short",
    day: "2-digit",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZone: zone,
    timeZoneName: "short",
  });
  document.querySelectorAll("time[datetime] .local-time").forEach(function (span) {
    var moment = new Date(span.parentElement.getAttribute("datetime"));
    if (!isNaN(moment.getTime())) {
      span.textContent = format.format(moment);
    }
  });
})();

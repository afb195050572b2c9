/* The header's menu on phones: folded behind a "Menu" button. Without JavaScript the menu simply shows. */
(function () {
  "use strict";

  function setUp() {
    var header = document.querySelector(".topbar");
    var toggle = header && header.querySelector(".menu-toggle");
    var menu = document.getElementById("site-menu");
    if (!toggle || !menu) { return; }
    toggle.hidden = false;
    header.classList.add("folds");

    function show(open) {
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("open", open);
    }

    toggle.addEventListener("click", function () { show(!menu.classList.contains("open")); });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.classList.contains("open")) { show(false); toggle.focus(); }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
}());

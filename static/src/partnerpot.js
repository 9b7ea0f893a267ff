/* Partnerpotten's pages (templates/partnerpot/*): small courtesies on top of forms that work
 * without JavaScript. No inline scripts: the CSP forbids them.
 *
 * - The municipality list follows the county chosen: only that county's municipalities are
 *   offered. Without JavaScript every municipality is listed, grouped by county, and the
 *   server checks that the two belong together.
 * - A form marked [data-pp-once] disables its buttons once submitted, so a double click does
 *   not send it twice. The server is what guarantees one submission; this only spares the
 *   user a second request.
 */
(function () {
  "use strict";

  /* --- County → municipalities ------------------------------------------------------------ */
  function setUpArea(form) {
    var county = form.querySelector("select[data-pp-county]");
    var municipality = form.querySelector("select[data-pp-municipality]");
    if (!county || !municipality || municipality.getAttribute("data-pp-ready")) {
      return;
    }
    municipality.setAttribute("data-pp-ready", "true");
    // Keep every group, to put back the one that fits when the county changes.
    var groups = Array.prototype.map.call(
      municipality.querySelectorAll("optgroup"),
      function (group) {
        return group.cloneNode(true);
      }
    );

    function narrow() {
      var chosen = county.value;
      var current = municipality.value;
      var keep = false;
      Array.prototype.forEach.call(municipality.querySelectorAll("optgroup"), function (group) {
        group.remove();
      });
      groups.forEach(function (group) {
        if (!chosen || group.label === chosen) {
          var copy = group.cloneNode(true);
          municipality.appendChild(copy);
          if (copy.querySelector("option[value='" + CSS.escape(current) + "']")) {
            keep = true;
          }
        }
      });
      municipality.value = keep ? current : "";
    }

    county.addEventListener("change", narrow);
    narrow();
  }

  /* --- One submission per click ------------------------------------------------------------ */
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form || !form.matches || !form.matches("form[data-pp-once]")) {
      return;
    }
    if (form.getAttribute("data-pp-sent")) {
      event.preventDefault();
      return;
    }
    form.setAttribute("data-pp-sent", "true");
    // Disabled after this turn, so the clicked button's name and value are still sent.
    window.setTimeout(function () {
      Array.prototype.forEach.call(form.querySelectorAll("button[type='submit']"), function (b) {
        b.disabled = true;
        b.setAttribute("aria-disabled", "true");
      });
    }, 0);
  });

  /* Back to a page from the browser's cache: the form can be used again. */
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) {
      return;
    }
    Array.prototype.forEach.call(document.querySelectorAll("form[data-pp-sent]"), function (form) {
      form.removeAttribute("data-pp-sent");
      Array.prototype.forEach.call(form.querySelectorAll("button[type='submit']"), function (b) {
        b.disabled = false;
        b.removeAttribute("aria-disabled");
      });
    });
  });

  function setUp(root) {
    var scope = root && root.querySelectorAll ? root : document;
    if (scope.matches && scope.matches("form")) {
      setUpArea(scope);
    }
    Array.prototype.forEach.call(scope.querySelectorAll("form"), setUpArea);
  }

  // Sections swapped in by htmx (a form that came back with errors) are set up again.
  document.addEventListener("htmx:load", function (event) {
    setUp(event.target);
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      setUp(document);
    });
  } else {
    setUp(document);
  }
})();

/* htmx glue for the portal (no inline scripts: the CSP forbids them).
 *
 * - After htmx swaps content in, focus moves to what the user needs next:
 *   an element marked [data-autofocus], or the error summary of a form that
 *   came back with errors. If the focused element was swapped away, focus
 *   goes to the new content, so keyboard and screen-reader users are not
 *   dropped at the top of the page.
 * - Server messages sent as `HX-Trigger: {"portal:message": "..."}` are
 *   written into the page's aria-live region (#live-region in base.html),
 *   shown as an alert. A [data-announce] text in swapped content (search
 *   result counts) goes to a second, visually hidden region (#sr-status).
 * - On a full page load, a form's error summary takes focus.
 *
 * htmx itself is configured by <meta name="htmx-config"> in base.html.
 */
(function () {
  "use strict";

  var FOCUSABLE = "a[href], button, input, select, textarea, summary, [tabindex]";

  function liveRegion() {
    return document.getElementById("live-region");
  }

  /* Write a message into the live region, shown as a Designsystemet alert. */
  function announce(text, color) {
    var region = liveRegion();
    if (!region || !text) {
      return;
    }
    region.textContent = "";
    // Emptying first and filling a moment later makes screen readers read the
    // message even when it is the same text as the last one.
    window.setTimeout(function () {
      var alert = document.createElement("div");
      alert.className = "ds-alert";
      alert.setAttribute("data-color", color || "success");
      var paragraph = document.createElement("p");
      paragraph.textContent = text;
      alert.appendChild(paragraph);
      region.appendChild(alert);
    }, 100);
  }

  function clearAnnouncement() {
    var region = liveRegion();
    if (region) {
      region.textContent = "";
    }
  }

  function focusElement(element) {
    if (!element) {
      return false;
    }
    if (!element.matches(FOCUSABLE) || element.disabled) {
      element.setAttribute("tabindex", "-1");
    }
    element.focus();
    return document.activeElement === element;
  }

  function findIn(root, selector) {
    if (!root || root.nodeType !== 1) {
      return null;
    }
    if (root.matches(selector)) {
      return root;
    }
    return root.querySelector(selector);
  }

  /* The first error summary, else the first [data-autofocus], inside root. */
  function focusTargetIn(root) {
    return (
      findIn(root, "[data-error-summary]") ||
      findIn(root, "[role='alert']") ||
      findIn(root, "[data-autofocus]")
    );
  }

  function focusLost() {
    var active = document.activeElement;
    return !active || active === document.body || !active.isConnected;
  }

  /* Several elements may settle from one swap; handle them together. */
  var settled = [];
  var scheduled = false;

  /* Swapped-in content may carry a short summary for screen readers, e.g.
     the number of search results: <div data-announce="12 partnere funnet.">. */
  function announceQuietly(roots) {
    var status = document.getElementById("sr-status");
    if (!status) {
      return;
    }
    for (var i = 0; i < roots.length; i++) {
      var source = findIn(roots[i], "[data-announce]");
      if (source) {
        status.textContent = "";
        window.setTimeout(function () {
          status.textContent = source.getAttribute("data-announce");
        }, 100);
        return;
      }
    }
  }

  function afterSwaps() {
    scheduled = false;
    var roots = settled.filter(function (element) {
      return element.isConnected;
    });
    settled = [];
    announceQuietly(roots);
    for (var i = 0; i < roots.length; i++) {
      var target = focusTargetIn(roots[i]);
      if (target && focusElement(target)) {
        return;
      }
    }
    if (focusLost() && roots.length) {
      // The control the user was on has been replaced: continue from the
      // first heading of the new content, or the content itself.
      var root = roots[0];
      focusElement(findIn(root, "h2, h3, h4, caption") || root);
    }
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.target && event.target.nodeType === 1) {
      settled.push(event.target);
    }
    if (!scheduled) {
      scheduled = true;
      window.setTimeout(afterSwaps, 0);
    }
  });

  /* A new request starts: the previous status message is no longer current. */
  document.addEventListener("htmx:beforeRequest", function (event) {
    var source = event.target;
    // Searching as you type should not wipe a message about a saved change.
    if (source && source.closest && source.closest("[data-keep-messages]")) {
      return;
    }
    clearAnnouncement();
  });

  document.addEventListener("portal:message", function (event) {
    var detail = event.detail || {};
    announce(typeof detail === "string" ? detail : detail.value);
  });

  /* Errors htmx does not swap in (403, 404, 500, network): say so instead of doing nothing. */
  function announceFailure() {
    var region = liveRegion();
    if (region) {
      announce(region.getAttribute("data-error-text"), "danger");
    }
  }

  document.addEventListener("htmx:responseError", announceFailure);
  document.addEventListener("htmx:sendError", announceFailure);

  /* Mark regions busy while htmx loads into them. */
  document.addEventListener("htmx:beforeRequest", function (event) {
    var target = event.detail && event.detail.target;
    if (target && target.setAttribute) {
      target.setAttribute("aria-busy", "true");
    }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var target = event.detail && event.detail.target;
    if (target && target.removeAttribute) {
      target.removeAttribute("aria-busy");
    }
  });

  /* A save that succeeded without swapping the form (an autosave keeps what the user is
     typing) still clears the form's old errors: they described a state that is gone. */
  function clearErrors(form) {
    Array.prototype.forEach.call(
      form.querySelectorAll("[data-error-summary], .ds-validation-message[data-field='validation']"),
      function (element) {
        element.parentNode.removeChild(element);
      }
    );
    Array.prototype.forEach.call(form.querySelectorAll("[aria-invalid]"), function (field) {
      field.removeAttribute("aria-invalid");
      var described = (field.getAttribute("aria-describedby") || "")
        .split(" ")
        .filter(function (id) {
          return id && !/-error$/.test(id);
        });
      if (described.length) {
        field.setAttribute("aria-describedby", described.join(" "));
      } else {
        field.removeAttribute("aria-describedby");
      }
    });
  }

  document.addEventListener("htmx:afterRequest", function (event) {
    var detail = event.detail || {};
    var xhr = detail.xhr;
    if (!detail.successful || !xhr || xhr.getResponseHeader("HX-Reswap") !== "none") {
      return;
    }
    var form = detail.elt && (detail.elt.tagName === "FORM" ? detail.elt : detail.elt.closest("form"));
    if (form) {
      clearErrors(form);
    }
  });

  /* A table wider than the screen scrolls sideways inside its wrapper; the
     wrapper must then be reachable by keyboard and have a name (WCAG 2.1.1). */
  function markScrollableTables(root) {
    var wraps = (root || document).querySelectorAll(".portal-table-wrap");
    for (var i = 0; i < wraps.length; i++) {
      var wrap = wraps[i];
      if (wrap.scrollWidth > wrap.clientWidth + 1) {
        var caption = wrap.querySelector("caption");
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        if (caption && !wrap.hasAttribute("aria-label")) {
          wrap.setAttribute("aria-label", caption.textContent.replace(/\s+/g, " ").trim());
        }
      } else if (wrap.getAttribute("tabindex") === "0") {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
      }
    }
  }

  var resizeTimer = 0;
  window.addEventListener("resize", function () {
    window.clearTimeout(resizeTimer);
    resizeTimer = window.setTimeout(markScrollableTables, 150);
  });
  document.addEventListener("htmx:afterSettle", function () {
    markScrollableTables();
  });

  /* --- Irreversible actions ask first ------------------------------------------------------
   * A form with data-confirm="<id of a <dialog>>" opens that dialog (a native modal: focus
   * moves into it and stays there, Escape closes it) instead of submitting. The dialog says
   * what will happen and to whom; a form may put its own sentence in data-confirm-text (one
   * dialog serves every row of a table). "Yes" submits the form as clicked (htmx included);
   * "Avbryt", Escape or closing does nothing and returns focus to the button. Without
   * JavaScript the form submits at once, as before. */
  var pending = null; // {form, submitter}

  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-confirm")) {
        return;
      }
      if (form.getAttribute("data-confirmed") === "yes") {
        form.removeAttribute("data-confirmed");
        return;
      }
      var dialog = document.getElementById(form.getAttribute("data-confirm"));
      if (!dialog || typeof dialog.showModal !== "function") {
        return;
      }
      event.preventDefault();
      event.stopImmediatePropagation(); // htmx and the other handlers wait for the answer
      pending = { form: form, submitter: event.submitter || null };
      var text = dialog.querySelector("[data-confirm-message]");
      var own = form.getAttribute("data-confirm-text");
      if (text) {
        if (!text.hasAttribute("data-default")) {
          text.setAttribute("data-default", text.textContent);
        }
        text.textContent = own || text.getAttribute("data-default");
      }
      dialog.returnValue = "";
      dialog.showModal();
    },
    true
  );

  document.addEventListener("click", function (event) {
    var yes = event.target.closest && event.target.closest("[data-confirm-yes]");
    var no = event.target.closest && event.target.closest("[data-confirm-no]");
    if (!yes && !no) {
      return;
    }
    var dialog = (yes || no).closest("dialog");
    var current = pending;
    if (yes && current) {
      pending = null;
      dialog.close("yes");
      current.form.setAttribute("data-confirmed", "yes");
      if (typeof current.form.requestSubmit === "function") {
        current.form.requestSubmit(current.submitter || undefined);
      } else {
        current.form.submit();
      }
      return;
    }
    dialog.close("no");
  });

  /* Dismissed (Avbryt, Escape): nothing happens; focus goes back to what opened the dialog. */
  document.addEventListener(
    "close",
    function (event) {
      var dialog = event.target;
      // The close event is queued: by the time it runs the dialog may have been opened
      // again (Escape, then Enter at once); that new question must keep its form.
      if (!(dialog instanceof HTMLDialogElement) || dialog.open || dialog.returnValue === "yes") {
        return;
      }
      var current = pending;
      pending = null;
      if (current) {
        focusElement(current.submitter || current.form);
      }
    },
    true
  );

  /* Full page load: a form that came back with errors puts its summary in focus. */
  function onLoad() {
    markScrollableTables();
    var main = document.getElementById("main");
    var summary = main && main.querySelector("[data-error-summary]");
    if (summary) {
      focusElement(summary);
      return;
    }
    var autofocus = main && main.querySelector("[data-autofocus]");
    if (autofocus) {
      focusElement(autofocus);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", onLoad);
  } else {
    onLoad();
  }

  window.portal = { announce: announce };
})();

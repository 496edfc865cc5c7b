/* ClinicSetu: the little behaviour pages need beyond htmx and Bootstrap. Loaded with defer;
   no inline script anywhere, so a Content-Security-Policy of default-src 'self' holds. */
(function () {
  "use strict";

  // A form sent once stays sent: disable its submit buttons until the next page arrives.
  // (The server runs each write once anyway: common/submissions.py.) htmx forms re-enable
  // themselves through hx-disabled-elt, so they are left alone here.
  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (event.defaultPrevented || form.hasAttribute("hx-post")) {
      return;
    }
    // After this tick, so that the clicked button's name and value are still sent.
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (button) {
        button.disabled = true;
        button.classList.add("is-sending");
      });
    }, 0);
  });

  // Back/forward cache: a page shown again must not keep the buttons disabled.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      document.querySelectorAll(".is-sending").forEach(function (button) {
        button.disabled = false;
        button.classList.remove("is-sending");
      });
    }
  });

  // <button data-action="print"> opens the browser's print dialog.
  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-action=print]");
    if (button) {
      event.preventDefault();
      window.print();
    }
  });
})();

// Small enhancements; every page works without them.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  document.addEventListener("DOMContentLoaded", function () {
    // An error summary takes the focus, so a screen reader reads it first.
    var summary = document.getElementById("error-summary");
    if (summary) summary.focus();

    // Parts of the enrollment form that apply to some organization types only.
    var types = document.querySelectorAll("input[data-org-type]");
    function showForType() {
      var chosen = document.querySelector("input[data-org-type]:checked");
      document.querySelectorAll("[data-show-for]").forEach(function (part) {
        var applies = !chosen || part.getAttribute("data-show-for").split(" ").indexOf(chosen.value) >= 0;
        part.classList.toggle("not-applicable", !applies);
      });
    }
    types.forEach(function (t) { t.addEventListener("change", showForType); });
    if (types.length) showForType();

    // Forms that end something ask first.
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
      });
    });

    // A form is sent once: its button waits after the first press.
    document.querySelectorAll("button[data-once]").forEach(function (button) {
      button.form && button.form.addEventListener("submit", function (event) {
        if (event.submitter !== button) return;
        window.setTimeout(function () { button.disabled = true; }, 0);
      });
    });

    // Copy a shown-once secret.
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
      var source = document.getElementById(button.getAttribute("data-copy"));
      if (!source || !navigator.clipboard) return;
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(source.textContent.trim()).then(function () {
          var status = button.parentElement.querySelector(".copied");
          if (status) status.textContent = "Copied.";
        });
      });
    });
  });
})();
